"""What the tests share, named by what each module holds: plain helpers and constants. Fixtures
are in the conftest.py files; test modules import from here, never from one another."""
