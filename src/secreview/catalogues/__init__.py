"""External requirement catalogues (a CISO Assistant framework library, an OSCAL catalog), which
of their requirements the loaded rules satisfy, and a review seen requirement by requirement.

Not to be confused with :mod:`secreview.toolkit.catalogue`, the catalogue of secreview's own rules.
"""
