"""The protocol core: Clickatell's grammar, codes and gateway state, with no I/O at all.

Nothing in this package touches sockets, threads, files, the wall clock or web frameworks;
adapters inject time and serialise access.
"""
