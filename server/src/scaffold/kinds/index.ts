/** Every plan kind, in the order `scaffold --list` shows them. */
import { addForeignKey } from './addForeignKey';
import { addNotNullColumn } from './addNotNullColumn';
import { changePrimaryKey } from './changePrimaryKey';
import { changeType } from './changeType';
import { dropColumn, dropTable } from './drop';
import { mergeTables } from './mergeTables';
import { normalize } from './normalize';
import { renameColumn } from './renameColumn';
import { renameTable } from './renameTable';
import type { PlanKind } from './shared';
import { mergeColumns, splitColumn } from './splitColumn';
import { splitTable } from './splitTable';

export const KINDS: readonly PlanKind[] = [
  renameColumn,
  renameTable,
  splitTable,
  mergeTables,
  changeType,
  changePrimaryKey,
  addNotNullColumn,
  addForeignKey,
  splitColumn,
  mergeColumns,
  dropColumn,
  dropTable,
  normalize,
];
