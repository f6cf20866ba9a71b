"""Importing agency extracts (INTERCHANGE.md): people, events and referral history."""
