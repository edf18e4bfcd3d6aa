"""``python -m pushwoosh_async``: the ``pushwoosh`` command line (``pushwoosh_async.cli``)."""

from pushwoosh_async.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
