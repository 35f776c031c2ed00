/** Every reference source, in the order their references are reported. Add one here. */
import type { ReferenceSource } from '../types';
import { activeRecord } from './activeRecord';
import { djangoModels } from './djangoModels';
import { drizzle } from './drizzle';
import { jsStrings } from './jsStrings';
import { kysely } from './kysely';
import { lexedStrings } from './lexedStrings';
import { prisma } from './prisma';
import { pyStrings } from './pyStrings';
import { rbStrings } from './rbStrings';
import { sequelize } from './sequelize';
import { sqlalchemy } from './sqlalchemy';
import { sqlFiles } from './sqlFiles';
import { typeorm } from './typeorm';

export const SOURCES: readonly ReferenceSource[] = [
  sqlFiles,
  jsStrings,
  pyStrings,
  rbStrings,
  lexedStrings,
  prisma,
  drizzle,
  typeorm,
  sequelize,
  kysely,
  sqlalchemy,
  djangoModels,
  activeRecord,
];
