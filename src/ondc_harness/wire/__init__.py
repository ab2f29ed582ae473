"""Everything that touches HTTP: signing, the outbound client, the inbound server, the registry."""
