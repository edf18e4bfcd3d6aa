"""Tests of the ``pushwoosh`` command line (``pushwoosh_async.cli``)."""
