# SPDX-License-Identifier: MIT
# pip install ./python (offline: --no-build-isolation --no-index, with Debian's python3-cffi,
# python3-setuptools, python3-pandas); see docs/python.md for where the library is found.
from setuptools import setup

setup(
    name="brink",
    version="0.1.0",
    description="brink from Python: crisis escalation scenarios, Monte Carlo, event data, games",
    license="MIT",
    packages=["brink"],
    python_requires=">=3.9",
    setup_requires=["cffi>=1.15"],
    install_requires=["cffi>=1.15", "pandas"],
    cffi_modules=["brink_build.py:ffibuilder"],
    zip_safe=False,
)
