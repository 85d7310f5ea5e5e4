"""The linked sources of METHODOLOGY §1 and §3, as their holders deliver them."""
