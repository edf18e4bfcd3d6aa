"""End-to-end tests of the fake account, one file per section, through the library's client."""
