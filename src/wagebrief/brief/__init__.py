"""The brief's sections (words, tables, figures), the page and its templates."""
