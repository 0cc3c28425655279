"""Channel adapters: each translates one platform's messages to Inbound and a Reply back, nothing more."""
