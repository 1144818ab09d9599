"""Writes in the voice domain. Views, consumers and tasks call these; nothing else writes cases."""
