# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The retriever's question path, compiled: finding a question's words and ranking the entries.

retriever.py holds the readable original (_TermFinder.__call__, Retriever._rank_here) and runs wherever this
module was not built. Both give the same words, scores and order to the last bit:
tests/knowledge/test_speedups.py compares them on every question set. A change to one is a change to
both. What differs is only how: C arrays instead of dicts and numpy, and the fuzzy ratio computed here
(fuzzy.pxi) instead of by rapidfuzz.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport PyUnicode_AsUCS4Copy
from libc.math cimport INFINITY
from libc.string cimport memset

from rapidfuzz.fuzz import ratio as fuzz_ratio
from rapidfuzz.process import extractOne

include "fuzzy.pxi"


cdef inline void* _alloc(Py_ssize_t size) except NULL:
    cdef void* memory = PyMem_Malloc(size if size > 0 else 1)
    if memory is NULL:
        raise MemoryError()
    return memory


# ---------------------------------------------------------------------------------------------------
# Finding the words: _TermFinder.__call__


cdef enum:
    NOT_A_WORD = 0
    STOP_WORD = 1  # covers characters, is not a search term
    TERM = 2


cdef class TermFinder:
    """_TermFinder's tables (words, one-character words, the records of the first two characters),
    with the one-character words of the Basic Multilingual Plane as a byte per character."""

    cdef dict _words  # word → is it a term
    cdef dict _pairs  # first two characters → (lengths of the longer words, longest first; pair flag)
    cdef dict _singles_beyond  # one-character words beyond U+FFFF → is it a term
    cdef unsigned char* _singles  # per BMP character: NOT_A_WORD, STOP_WORD or TERM
    cdef Py_ssize_t _most_lengths  # the most longer-word lengths one pair starts: spans per position

    def __cinit__(self) -> None:
        self._singles = <unsigned char*> _alloc(0x10000)
        memset(self._singles, NOT_A_WORD, 0x10000)

    def __dealloc__(self) -> None:
        PyMem_Free(self._singles)

    def __init__(self, dict words, dict singles, dict pairs) -> None:
        cdef Py_UCS4 ch
        self._words = words
        self._pairs = pairs
        self._singles_beyond = {}
        self._most_lengths = max([len(record[0]) for record in pairs.values()], default=0)
        for word, is_term in singles.items():
            ch = word
            if ch <= 0xFFFF:
                self._singles[ch] = TERM if is_term else STOP_WORD
            else:
                self._singles_beyond[word] = is_term

    cdef inline int _single(self, Py_UCS4 ch):
        if ch <= 0xFFFF:
            return self._singles[ch]
        flag = self._singles_beyond.get(chr(ch))
        return NOT_A_WORD if flag is None else (TERM if flag else STOP_WORD)

    def __call__(self, str text, list pairs) -> tuple:
        """(terms, unknown) as _TermFinder gives them; pairs are text's character pairs in order."""
        cdef Py_ssize_t end = len(text), i, n, s, e, x, count = 0, spans = 0, cap
        cdef Py_ssize_t covered_until = 0, unknown = 0
        cdef Py_UCS4 ch
        cdef int single
        cdef tuple record, lengths
        cdef object pair_flag, term
        cdef Py_ssize_t* found  # (start, end) of every term met, in order
        cdef Py_ssize_t* longer  # (start, end) of every span of two characters or more
        cdef Py_ssize_t* first_start
        cdef Py_ssize_t* last_end
        if end == 0:
            return set(), 0
        cap = end * (self._most_lengths + 2) + 1
        found = <Py_ssize_t*> _alloc(2 * cap * sizeof(Py_ssize_t))
        longer = <Py_ssize_t*> _alloc(2 * cap * sizeof(Py_ssize_t))
        first_start = <Py_ssize_t*> _alloc((end + 1) * sizeof(Py_ssize_t))
        last_end = <Py_ssize_t*> _alloc((end + 1) * sizeof(Py_ssize_t))
        try:
            for i in range(end):
                ch = text[i]
                if i < end - 1:
                    record = self._pairs.get(pairs[i])
                    if record is not None:
                        lengths = record[0]
                        pair_flag = record[1]
                        for n in lengths:
                            if i + n <= end:
                                term = self._words.get(text[i : i + n])
                                if term is not None:
                                    longer[2 * spans] = i
                                    longer[2 * spans + 1] = i + n
                                    spans += 1
                                    if term:
                                        found[2 * count] = i
                                        found[2 * count + 1] = i + n
                                        count += 1
                                    if i + n > covered_until:
                                        covered_until = i + n
                        if pair_flag is not None:
                            longer[2 * spans] = i
                            longer[2 * spans + 1] = i + 2
                            spans += 1
                            if pair_flag:
                                found[2 * count] = i
                                found[2 * count + 1] = i + 2
                                count += 1
                            if i + 2 > covered_until:
                                covered_until = i + 2
                if i >= covered_until:
                    single = self._single(ch)
                    if single != NOT_A_WORD:
                        covered_until = i + 1
                        if single == TERM:
                            found[2 * count] = i
                            found[2 * count + 1] = i + 1
                            count += 1
                    elif 0x4E00 <= ch <= 0x9FFF:
                        unknown += 1
            terms = set()
            if spans < 3:  # straddling needs a word across each boundary besides the word itself
                for x in range(count):
                    terms.add(self._word(text, pairs, found[2 * x], found[2 * x + 1]))
                return terms, unknown
            for x in range(end + 1):
                first_start[x] = x
                last_end[x] = x
            for x in range(spans):
                s, e = longer[2 * x], longer[2 * x + 1]
                if first_start[e] > s:
                    first_start[e] = s
                if last_end[s] < e:
                    last_end[s] = e
            for x in range(count):
                s, e = found[2 * x], found[2 * x + 1]
                if e - s == 1 or not _straddles(s, e, first_start, last_end):
                    terms.add(self._word(text, pairs, s, e))
            return terms, unknown
        finally:
            PyMem_Free(found)
            PyMem_Free(longer)
            PyMem_Free(first_start)
            PyMem_Free(last_end)

    cdef inline object _word(self, str text, list pairs, Py_ssize_t s, Py_ssize_t e):
        return pairs[s] if e - s == 2 else text[s:e]


cdef inline bint _straddles(Py_ssize_t start, Py_ssize_t end, Py_ssize_t* first_start, Py_ssize_t* last_end):
    cdef Py_ssize_t x
    cdef bint left = False
    for x in range(start + 1, end):
        if first_start[x] < start:
            left = True
            break
    if not left:
        return False
    for x in range(start + 1, end):
        if last_end[x] > end:
            return True
    return False


# ---------------------------------------------------------------------------------------------------
# Ranking: Retriever._rank_here


cdef struct Kind:
    # The features of one kind (words or bigrams), numbered in sorted order of their text.
    Py_ssize_t n
    double* idf
    Py_ssize_t* start  # postings of feature f: start[f] .. start[f + 1]
    Py_ssize_t* entry
    double* weight
    bint* common  # held by so many entries that it only completes the scores of chosen candidates


cdef struct Scored:
    double score
    Py_ssize_t entry
    Py_ssize_t seen  # when the entry was first scored


cdef struct Scratch:
    # What one question's ranking writes: scores, when each entry was first scored (later: where
    # each candidate is), the scored entries, the question's fuzzy pattern.
    double* scores
    Py_ssize_t* seen_at
    Scored* scored
    Pattern* pattern


cdef Scratch* _new_scratch(Py_ssize_t entries) except NULL:
    cdef Scratch* scratch = <Scratch*> _alloc(sizeof(Scratch))
    memset(scratch, 0, sizeof(Scratch))
    try:
        scratch.scores = <double*> _alloc(entries * sizeof(double))
        scratch.seen_at = <Py_ssize_t*> _alloc(entries * sizeof(Py_ssize_t))
        scratch.scored = <Scored*> _alloc(entries * sizeof(Scored))
        scratch.pattern = <Pattern*> _alloc(sizeof(Pattern))
        pattern_init(scratch.pattern)
    except MemoryError:
        _free_scratch(scratch)
        raise
    return scratch


cdef void _free_scratch(Scratch* scratch) noexcept:
    if scratch is not NULL:
        PyMem_Free(scratch.scores)
        PyMem_Free(scratch.seen_at)
        PyMem_Free(scratch.scored)
        PyMem_Free(scratch.pattern)
        PyMem_Free(scratch)


cdef class Ranker:
    """Retriever._rank_here over C arrays: built from the same index (feature → _Feature) and tuning."""

    cdef Py_ssize_t _entries
    cdef dict _term_ids, _bigram_ids  # feature text → its number
    cdef Kind _terms, _bigrams
    cdef double _unseen, _unknown_weight, _w_fuzz
    cdef Py_ssize_t _candidates, _fuzzy_candidates
    # Phrasings, canonical, as UCS4: entry i's are phrasing[first[i]] .. phrasing[first[i + 1]]
    cdef Py_UCS4** _phrasing
    cdef Py_ssize_t* _length
    cdef Py_ssize_t* _first
    cdef Py_ssize_t _phrasings
    # One question's scratch space, kept for the next: a thread takes it (or, if another thread
    # holds it, makes its own) and puts it back, each step atomic under the GIL.
    cdef Scratch* _spare
    cdef tuple _questions

    def __init__(self, terms: dict, bigrams: dict, questions: tuple, tuning: object, unseen: float) -> None:
        cdef Py_ssize_t i, j
        self._entries = len(questions)
        self._term_ids = _kind(&self._terms, terms)
        self._bigram_ids = _kind(&self._bigrams, bigrams)
        self._unseen = unseen
        self._unknown_weight = tuning.unknown_weight
        self._w_fuzz = tuning.w_fuzz / 100.0
        self._candidates = tuning.candidates
        self._fuzzy_candidates = tuning.fuzzy_candidates
        self._questions = questions
        self._first = <Py_ssize_t*> _alloc((self._entries + 1) * sizeof(Py_ssize_t))
        total = sum(len(texts) for texts in questions)
        self._phrasing = <Py_UCS4**> _alloc(total * sizeof(Py_UCS4*))
        self._length = <Py_ssize_t*> _alloc(total * sizeof(Py_ssize_t))
        j = 0
        for i, texts in enumerate(questions):
            self._first[i] = j
            for text in texts:
                self._phrasing[j] = PyUnicode_AsUCS4Copy(text)
                self._length[j] = len(text)
                j += 1
                self._phrasings = j
        self._first[self._entries] = j
        self._spare = _new_scratch(self._entries)

    def __dealloc__(self) -> None:
        cdef Py_ssize_t j
        if self._phrasing is not NULL:
            for j in range(self._phrasings):
                PyMem_Free(self._phrasing[j])
        PyMem_Free(self._phrasing)
        PyMem_Free(self._length)
        PyMem_Free(self._first)
        _free_scratch(self._spare)
        _free_kind(&self._terms)
        _free_kind(&self._bigrams)

    def rank(self, str text, terms: frozenset, bigrams: frozenset, Py_ssize_t unknown, Py_ssize_t k) -> list:
        """Retriever._rank_here: [(score, entry number)], best first, scores not yet capped at 1."""
        cdef Py_ssize_t n_terms = len(terms), n_bigrams = len(bigrams)
        cdef Py_ssize_t* ids = <Py_ssize_t*> _alloc((n_terms + n_bigrams) * sizeof(Py_ssize_t))
        cdef Scratch* scratch = self._spare
        self._spare = NULL
        try:
            if scratch is NULL:
                scratch = _new_scratch(self._entries)
            return self._rank(text, terms, bigrams, unknown, k, ids, ids + n_terms, scratch)
        finally:
            PyMem_Free(ids)
            if self._spare is NULL:
                self._spare = scratch
            else:
                _free_scratch(scratch)

    cdef list _rank(
        self, str text, frozenset terms, frozenset bigrams, Py_ssize_t unknown, Py_ssize_t k,
        Py_ssize_t* term_ids, Py_ssize_t* bigram_ids, Scratch* scratch,
    ):
        cdef Py_ssize_t t = _known(self._term_ids, terms, term_ids)
        cdef Py_ssize_t b = _known(self._bigram_ids, bigrams, bigram_ids)
        cdef double term_mass, bigram_mass, m_terms, m_bigrams, kth
        cdef Py_ssize_t x, i, n, scored = 0, head, last
        cdef bint rare
        cdef Scored* candidates = scratch.scored
        cdef Pattern* pattern = scratch.pattern
        if not text:
            return []
        term_mass = _mass(&self._terms, term_ids, t) + <double> (len(terms) - t) * self._unseen
        term_mass = term_mass + <double> unknown * self._unseen * self._unknown_weight
        if term_mass == 0.0:
            term_mass = 1.0
        bigram_mass = _mass(&self._bigrams, bigram_ids, b) + <double> (len(bigrams) - b) * self._unseen
        if bigram_mass == 0.0:
            bigram_mass = 1.0
        m_terms, m_bigrams = 1.0 / term_mass, 1.0 / bigram_mass
        for i in range(self._entries):
            scratch.scores[i] = 0.0
            scratch.seen_at[i] = -1
        # The rare features choose the candidates; only when there is none, the common ones do.
        rare = _has_rare(&self._terms, term_ids, t) or _has_rare(&self._bigrams, bigram_ids, b)
        scored = self._add(&self._terms, term_ids, t, m_terms, rare, scored, scratch)
        scored = self._add(&self._bigrams, bigram_ids, b, m_bigrams, rare, scored, scratch)
        if scored == 0:
            return []
        n = _choose(scratch.scored, scored, scratch.scores, max(k, self._candidates))
        if rare:  # the common features complete the candidates' scores
            for i in range(self._entries):  # from now on: where each candidate is, or -1
                scratch.seen_at[i] = -1
            for x in range(n):
                scratch.seen_at[scratch.scored[x].entry] = x
            _complete(&self._terms, term_ids, t, m_terms, scratch.seen_at, scratch.scored)
            _complete(&self._bigrams, bigram_ids, b, m_bigrams, scratch.seen_at, scratch.scored)
        _sort(scratch.scored, n)  # (score, entry), highest first
        # The fuzzy rerank, as _rank_here does it. A question that synonyms made longer than a
        # pattern holds (a rare few hundred characters) is compared by rapidfuzz itself.
        if len(text) <= MAX_PATTERN:
            pattern_set(pattern, text)
            long_text = None
        else:
            long_text = text
        head = min(max(k, 0), n)
        for x in range(head):
            candidates[x].score += self._w_fuzz * self._best_ratio(candidates[x].entry, long_text, pattern)
        kth = -INFINITY  # a candidate that cannot pass the k-th even with a perfect ratio is not reranked
        if head == k and k > 0 and self._w_fuzz > 0.0:
            kth = _lowest(candidates, head) - 1e-9
        last = head
        for x in range(head, min(max(k, self._fuzzy_candidates), n)):
            if candidates[x].score + self._w_fuzz * 100.0 < kth:
                break
            candidates[x].score += self._w_fuzz * self._best_ratio(candidates[x].entry, long_text, pattern)
            last = x + 1
        _sort(candidates, last)
        return [(candidates[x].score, candidates[x].entry) for x in range(min(max(k, 0), last))]

    cdef Py_ssize_t _add(
        self, Kind* kind, Py_ssize_t* ids, Py_ssize_t count, double m, bint rare, Py_ssize_t scored,
        Scratch* scratch,
    ):
        """Adds the postings of the rare features (or, when there is none, of all) times m, in order,
        recording each entry the first time it is scored."""
        cdef Py_ssize_t x, p, f, e
        for x in range(count):
            f = ids[x]
            if rare and kind.common[f]:
                continue
            for p in range(kind.start[f], kind.start[f + 1]):
                e = kind.entry[p]
                scratch.scores[e] += kind.weight[p] * m
                if scratch.seen_at[e] < 0:
                    scratch.seen_at[e] = scored
                    scratch.scored[scored].entry = e
                    scratch.scored[scored].seen = scored
                    scored += 1
        return scored

    cdef double _best_ratio(self, Py_ssize_t entry, str long_text, Pattern* pattern) except? -1.0:
        """The best ratio of the question against the entry's phrasings (extractOne's score). A
        phrasing whose length alone keeps its ratio at or below the best so far is skipped: the
        ratio cannot pass that of a common subsequence as long as the shorter text."""
        cdef double best = 0.0, r
        cdef Py_ssize_t j, m = pattern.len, n
        if long_text is not None:
            found = extractOne(long_text, self._questions[entry], scorer=fuzz_ratio)
            return found[1] if found else 0.0
        for j in range(self._first[entry], self._first[entry + 1]):
            n = self._length[j]
            if _ceiling(m, n) <= best:
                continue
            r = ratio(pattern, self._phrasing[j], n)
            if r > best:
                best = r
        return best


cdef inline double _ceiling(Py_ssize_t m, Py_ssize_t n) noexcept:
    """ratio() of texts of lengths m and n if the shorter were a subsequence of the longer (the same
    operations as ratio(), which only grows with the common subsequence)."""
    cdef Py_ssize_t lensum = m + n
    return (1.0 - <double> (lensum - 2 * min(m, n)) / <double> lensum) * 100.0


cdef dict _kind(Kind* kind, dict index):
    """Fills kind from feature → _Feature; returns feature → number (in sorted order of the text)."""
    cdef Py_ssize_t f, p = 0
    features = sorted(index)
    kind.n = len(features)
    postings = sum(len(index[feature].postings) for feature in features)
    kind.idf = <double*> _alloc(kind.n * sizeof(double))
    kind.common = <bint*> _alloc(kind.n * sizeof(bint))
    kind.start = <Py_ssize_t*> _alloc((kind.n + 1) * sizeof(Py_ssize_t))
    kind.entry = <Py_ssize_t*> _alloc(postings * sizeof(Py_ssize_t))
    kind.weight = <double*> _alloc(postings * sizeof(double))
    for f, feature in enumerate(features):
        record = index[feature]
        kind.idf[f] = record.idf
        kind.common[f] = record.common
        kind.start[f] = p
        for i, weight in record.postings.items():  # entries ascending, as they were added
            kind.entry[p] = i
            kind.weight[p] = weight
            p += 1
    kind.start[kind.n] = p
    return {feature: f for f, feature in enumerate(features)}


cdef void _free_kind(Kind* kind) noexcept:
    PyMem_Free(kind.idf)
    PyMem_Free(kind.common)
    PyMem_Free(kind.start)
    PyMem_Free(kind.entry)
    PyMem_Free(kind.weight)


cdef Py_ssize_t _known(dict ids, frozenset features, Py_ssize_t* out) except -1:
    """The numbers of the features the index knows, ascending (= their texts sorted)."""
    cdef Py_ssize_t count = 0, x, y, f
    for feature in features:
        number = ids.get(feature)
        if number is not None:
            f = number
            x = count  # insertion sort: a question has a few dozen features
            while x > 0 and out[x - 1] > f:
                out[x] = out[x - 1]
                x -= 1
            out[x] = f
            count += 1
    return count


cdef inline double _mass(Kind* kind, Py_ssize_t* ids, Py_ssize_t count) noexcept:
    cdef double total = 0.0
    cdef Py_ssize_t x
    for x in range(count):
        total = total + kind.idf[ids[x]]
    return total


cdef inline bint _has_rare(Kind* kind, Py_ssize_t* ids, Py_ssize_t count) noexcept:
    cdef Py_ssize_t x
    for x in range(count):
        if not kind.common[ids[x]]:
            return True
    return False


cdef inline void _complete(
    Kind* kind, Py_ssize_t* ids, Py_ssize_t count, double m, Py_ssize_t* at, Scored* scored
) noexcept:
    """Adds the common features' weights times m to the candidates' scores, feature by feature
    (a candidate at scored[x] has at[entry] == x, others -1): each score gets the same additions in the
    same order as the completion in rank(), less the zeros of the entries without the feature."""
    cdef Py_ssize_t x, p, f
    for x in range(count):
        f = ids[x]
        if kind.common[f]:
            for p in range(kind.start[f], kind.start[f + 1]):
                if at[kind.entry[p]] >= 0:
                    scored[at[kind.entry[p]]].score += kind.weight[p] * m


cdef Py_ssize_t _choose(Scored* scored, Py_ssize_t count, double* scores, Py_ssize_t n) noexcept:
    """Moves the n best-scored entries to the front (ties: the one scored first), as
    Retriever._candidates picks them; returns how many there are."""
    cdef Py_ssize_t x, y
    cdef Scored item
    for x in range(count):
        scored[x].score = scores[scored[x].entry]
    if n <= 0:
        return 0
    # Partial insertion sort: the front keeps the best n by (score descending, seen ascending).
    for x in range(1, count):
        item = scored[x]
        y = min(x, n)
        if y == n and not _better(&item, &scored[n - 1]):
            continue
        if y == n:
            y = n - 1
        while y > 0 and _better(&item, &scored[y - 1]):
            scored[y] = scored[y - 1]
            y -= 1
        scored[y] = item
    return min(n, count)


cdef inline bint _better(Scored* a, Scored* b) noexcept:
    return a.score > b.score or (a.score == b.score and a.seen < b.seen)


cdef inline bint _before(Scored* a, Scored* b) noexcept:
    """(score, entry) descending, as Python sorts the tuples with reverse=True."""
    return a.score > b.score or (a.score == b.score and a.entry > b.entry)


cdef void _sort(Scored* scored, Py_ssize_t count) noexcept:
    cdef Py_ssize_t x, y
    cdef Scored item
    for x in range(1, count):
        item = scored[x]
        y = x
        while y > 0 and _before(&item, &scored[y - 1]):
            scored[y] = scored[y - 1]
            y -= 1
        scored[y] = item


cdef double _lowest(Scored* scored, Py_ssize_t count) noexcept:
    cdef double lowest = scored[0].score
    cdef Py_ssize_t x
    for x in range(1, count):
        if scored[x].score < lowest:
            lowest = scored[x].score
    return lowest
