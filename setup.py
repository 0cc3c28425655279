"""Build the optional compiled module bot.knowledge._speedups (everything else is in pyproject.toml).

bot.knowledge works without it (the same results, in pure Python), so when Cython or a C compiler is
missing or the build fails, the install goes on with a one-line warning (pip shows it with -v).
HOTLINE_REQUIRE_SPEEDUPS=1 makes that a build error instead, so CI cannot silently test or measure the
slow path.
"""

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

REQUIRE_ENV = "HOTLINE_REQUIRE_SPEEDUPS"


class OptionalBuildExt(build_ext):
    def run(self) -> None:
        try:
            import Cython  # noqa: F401  (here, for a clear message when it is missing)

            super().run()
        except Exception as exc:
            if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
                raise RuntimeError(f"{REQUIRE_ENV} is set and bot.knowledge._speedups did not build") from exc
            reason = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:100]}"
            print(
                f"WARNING: bot.knowledge._speedups not built ({reason}); the pure-Python code will be used",
                file=sys.stderr,
            )
            if self.inplace or getattr(self, "editable_mode", False):
                # Else an older in-place build of the module would still be imported.
                for ext in self.extensions:
                    stale = self.get_ext_filename(ext.name)
                    if os.path.exists(stale):
                        os.remove(stale)

    def build_extension(self, ext: Extension) -> None:
        from Cython.Build import cythonize

        # The generated .c goes to the build directory, never next to the .pyx.
        ext.sources = cythonize(ext, build_dir=self.build_temp, quiet=True)[0].sources
        super().build_extension(ext)


setup(
    ext_modules=[
        Extension(
            "bot.knowledge._speedups",
            ["bot/knowledge/_speedups.pyx"],
            depends=["bot/knowledge/fuzzy.pxi"],
            # The compiled sums must round as Python's do: no fused multiply-add.
            extra_compile_args=["-ffp-contract=off"] if os.name == "posix" else [],
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
