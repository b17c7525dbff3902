"""The terminal: the message catalogue, prompt-toolkit input, rich screens and the interview loop."""
