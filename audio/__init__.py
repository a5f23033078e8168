"""bantin's audio library: Vietnamese text front end, speech engines, assembly, encoding.

A plain library: it imports no web framework, task queue or database and reads no
environment variables. Callers pass everything in.
"""
