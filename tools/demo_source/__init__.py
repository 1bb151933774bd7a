"""The jobs of tools/build_demo.py, one module each (that file is the command line and ``main``).

common (BuildError, fail), domains (domains and 标准目录 items), seeds (the five seed documents), laws,
guides (Guangdong service guides), faqs (FAQs and terms), output (writing the source folder),
validate (checking a written folder).
"""
