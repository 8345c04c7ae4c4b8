"""Learning contracts: from a scored sample to a student's plan (``plans``), the checks that make
it fit to save (``checks``), its anchors (``anchors``), the screens' choices and forms
(``forms``, ``closing``), versions side by side (``compare``) and the printable document
(``export``, ``render``, ``files``); a contract on a student's gaps on a test (``from_test``).
May import storage, domain, ``services.meeting`` and ``services.assessment``.
"""
