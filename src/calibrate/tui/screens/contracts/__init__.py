"""Learning contracts: the overview, one contract's page, the editor."""
