"""Local development server: the built site and the forms service on one port."""
