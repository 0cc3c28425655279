# Indel ratio (== rapidfuzz.fuzz.ratio, bit for bit) for the compiled fast path.
#
# Included by _speedups.pyx. Usage:
#     cdef Pattern pat            # zeroed (a global or a cdef-class attribute), else pattern_init(&pat)
#     pattern_set(&pat, query)    # once per query (len(query) <= MAX_PATTERN)
#     score = ratio(&pat, ucs4_ptr, ucs4_len)   # once per candidate, nogil, no allocation
#
# ratio = 100 * normalized Indel similarity, where Indel distance = len1 + len2 - 2 * LCS.
# LCS is computed bit-parallel (Hyyrö 2004, as rapidfuzz does): bit i of the state word(s) S stands for
# query position i; each character of s2 advances S using the query's match mask for that character,
# and at the end LCS = number of zero bits in S.
#
# Bit-exactness: rapidfuzz-cpp (rapidfuzz/details/distance.hpp, CachedNormalizedMetricBase; fuzz::ratio
# multiplies by 100) computes, in doubles:
#     norm_dist = (maximum) ? (double)dist / (double)maximum : 0.0     # maximum = len1 + len2
#     norm_sim  = 1.0 - norm_dist
#     ratio     = norm_sim * 100
# With score_cutoff 0 its cutoffs never change the result. ratio() below does the same three operations
# in the same order (no a*b+c, so FMA contraction cannot change it; don't build with -ffast-math).

cimport cython
from libc.stdint cimport uint16_t, uint32_t, uint64_t
from libc.string cimport memset

cdef enum:
    MAX_PATTERN = 256                   # query length limit (the project cuts queries at 200 chars)
    _PM_WORDS = MAX_PATTERN >> 6        # 64-bit mask words per character
    _PM_SLOTS = MAX_PATTERN << 1        # hash slots: power of two, load factor <= 1/2
    _PM_SHIFT = 32 - 9                  # 2 ** 9 == _PM_SLOTS (update with MAX_PATTERN, a power of two)

cdef struct Pattern:
    # A query's match masks: bit i of mask[s][w] is set iff query[64 * w + i] == key[s] - 1.
    # Open addressing with linear probing; key 0 marks an empty slot (keys are code point + 1).
    Py_ssize_t len                      # query length (code points)
    int nwords                          # mask words in use: ceil(len / 64)
    int nused                           # occupied slots, listed in used[] so clearing is cheap
    uint16_t used[MAX_PATTERN]
    uint32_t key[_PM_SLOTS]
    uint64_t mask[_PM_SLOTS][_PM_WORDS]


cdef inline void pattern_init(Pattern* p) noexcept nogil:
    """Zero a Pattern that was not zero-allocated (e.g. on the stack)."""
    memset(p, 0, sizeof(Pattern))


cdef inline uint32_t _pm_home(Py_UCS4 ch) noexcept nogil:
    cdef uint32_t h = <uint32_t>ch * <uint32_t>0x9E3779B1   # Fibonacci hashing, mod 2 ** 32
    return h >> _PM_SHIFT


cdef inline int _pm_find(const Pattern* p, Py_UCS4 ch) noexcept nogil:
    """Slot of ch, or -1 if the query lacks it (ends: at most half the slots are used)."""
    cdef uint32_t i = _pm_home(ch), k = <uint32_t>ch + 1
    while p.key[i] != 0:
        if p.key[i] == k:
            return <int>i
        i = (i + 1) & (_PM_SLOTS - 1)
    return -1


cdef int pattern_set(Pattern* p, str text) except -1:
    """Fill p with text's masks (replacing the previous query's)."""
    if text is None:
        raise TypeError("pattern_set: text must be str, not None")
    cdef Py_ssize_t n = len(text), pos = 0
    if n > MAX_PATTERN:
        raise ValueError(f"pattern_set: text has {n} characters, more than {MAX_PATTERN}")
    cdef int j, w
    cdef uint32_t i, k
    for j in range(p.nused):                    # clear only what the last query used
        i = p.used[j]
        p.key[i] = 0
        for w in range(p.nwords):
            p.mask[i][w] = 0
    p.nused = 0
    p.len = n
    p.nwords = <int>((n + 63) // 64)
    cdef Py_UCS4 ch
    for ch in text:
        i, k = _pm_home(ch), <uint32_t>ch + 1
        while p.key[i] != 0 and p.key[i] != k:
            i = (i + 1) & (_PM_SLOTS - 1)
        if p.key[i] == 0:
            p.key[i] = k
            p.used[p.nused] = <uint16_t>i
            p.nused += 1
        p.mask[i][pos >> 6] |= (<uint64_t>1) << (pos & 63)
        pos += 1
    return 0


cdef inline int _popcount64(uint64_t x) noexcept nogil:
    # Portable SWAR popcount; runs once per mask word per call, so no intrinsic is needed.
    x = x - ((x >> 1) & 0x5555555555555555ULL)
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL
    return <int>((x * 0x0101010101010101ULL) >> 56)


@cython.cdivision(True)
@cython.boundscheck(False)
@cython.wraparound(False)
cdef double ratio(const Pattern* p, const Py_UCS4* s2, Py_ssize_t n) noexcept nogil:
    """rapidfuzz.fuzz.ratio(query, s2[:n]) for the query in p, to the last bit."""
    cdef Py_ssize_t lensum = p.len + n, lcs = 0, j
    if lensum == 0:
        return 100.0                            # rapidfuzz: both empty -> norm_dist 0.0
    cdef int nw = p.nwords, w, slot
    cdef uint64_t S[_PM_WORDS]
    cdef uint64_t s, u, x, carry
    for w in range(nw):
        S[w] = ~(<uint64_t>0)                   # bits above len stay 1 (their masks are 0)
    if nw == 1:                                 # queries of <= 64 chars: one word, no carries
        s = S[0]
        for j in range(n):
            slot = _pm_find(p, s2[j])
            if slot >= 0:                       # a character the query lacks leaves S unchanged
                u = s & p.mask[slot][0]
                s = (s + u) | (s - u)
        S[0] = s
    elif nw > 1:
        for j in range(n):
            slot = _pm_find(p, s2[j])
            if slot < 0:
                continue
            carry = 0
            for w in range(nw):                 # S = (S + u) | (S - u) across words, u = S & M
                s = S[w]
                u = s & p.mask[slot][w]
                x = s + carry
                carry = x < carry
                x = x + u
                carry |= x < u
                S[w] = x | (s - u)
    for w in range(nw):
        lcs += _popcount64(~S[w])
    cdef Py_ssize_t dist = lensum - 2 * lcs
    cdef double norm_dist = <double>dist / <double>lensum
    cdef double norm_sim = 1.0 - norm_dist
    return norm_sim * 100
