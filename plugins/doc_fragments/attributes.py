# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # What every module of the collection supports; a module documents an attribute itself only where it
    # differs (its own entry is merged over this one).
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/elemental.mediastore.aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - elemental.mediastore.aws
"""
