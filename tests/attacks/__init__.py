"""Hostile submissions: shared helpers (``support``) for the ``tests/test_attacks_*.py`` families.

One module per family, one grading per hostile module, a correct reference beside it:

* ``test_attacks_process``: kill, stop or kill(-1) the grader, daemons, signals to others, exits;
* ``test_attacks_resources``: memory, CPU, threads, open files, output floods, disk, a fork bomb;
* ``test_attacks_tampering``: the kit, the engine, site-packages, another workspace, symlinks;
* ``test_attacks_exfiltration``: references, graders, the grader's environment, memory and open
  files, leftovers of earlier checks, the network;
* ``test_attacks_bad_files``: syntax errors, encodings, binary, empty, huge, not a regular file.
"""
