"""The ITC 2019 course-timetabling format: problem model, XML parser/writer, validator and CP-SAT solver.

Format and scoring follow the competition rules (https://www.itc2019.org/format).
"""
