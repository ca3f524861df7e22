"""Use cases: each function takes what it needs (a connection, settings, ``now``) as arguments.

``compute``: the engine as a service (due dates, holidays, counts). ``matters`` and
``deadlines``: the stored records, each change recorded in history in the same transaction.
``tokens``: API tokens. ``fields``: the checking of input shared by every adapter.
"""
