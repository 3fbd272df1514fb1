"""Internationalisation: which language the bot replies in."""
