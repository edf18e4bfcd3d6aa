"""End-to-end tests: the library against its own fake, one file per section."""
