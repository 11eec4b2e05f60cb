"""Mutation testing of ``fake_clickatell/core`` (``make mutate``): a test suite is as strong as
the changes to the code it notices. Not part of ``make test``; see README, "Development"."""
