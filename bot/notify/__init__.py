"""The SMS notification platform (短信告知平台, §3.2–§3.7): rules, outbox, delivery, deadlines and compliance."""
