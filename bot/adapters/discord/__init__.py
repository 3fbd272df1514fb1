"""Parts of the Discord adapter: rendering, views, commands, delivery. See `discord_adapter`."""
