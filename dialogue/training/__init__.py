"""Training: role-play personas, the simulated owner, scoring, the role-play trainer and the demo."""
