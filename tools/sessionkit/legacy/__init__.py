"""Legacy data to practise upgrades on: `sessionkit legacy generate`."""
