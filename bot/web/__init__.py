"""The aiohttp application: webhooks, web chat, management API and staff console."""
