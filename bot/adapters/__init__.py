"""Platform adapters: translate platform events to `Incoming` and render `Reply`."""
