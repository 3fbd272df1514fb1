"""The platform-neutral conversation engine: `Incoming` in, `Reply` out."""
