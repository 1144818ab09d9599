"""Reads in the safety domain, one module per area: facilities and map layers, alerts, subscribers (whom an
alert reaches), the sync account. Other domains read safety through these."""
