"""``python -m pushwoosh_async``: the ``pushwoosh`` command line (``pushwoosh_async.cli``)."""

from pushwoosh_async.cli import main

__all__ = ["main"]  # ``from pushwoosh_async.__main__ import main`` keeps working, typed

if __name__ == "__main__":
    raise SystemExit(main())
