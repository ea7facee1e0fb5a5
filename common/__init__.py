"""Helpers that know nothing of the directory: partial dates, database chores, uploaded
documents, spreadsheet cells, client addresses and the overload guard.

Below every app: it imports only Django and the standard library.
"""
