"""Learning contracts: from a scored sample to a student's plan (``plans``), the checks that make
it fit to save (``checks``), its anchors (``anchors``), the screens' choices and forms
(``forms``, ``closing``), versions side by side (``compare``) and the printable document
(``export``, ``render``, ``files``). May import storage, domain and ``services.meeting``.
"""
