"""What every stage shares: the settings, the lake's layout and I/O, the error types, the silver schema."""
