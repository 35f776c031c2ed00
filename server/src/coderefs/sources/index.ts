/** Every reference source, in the order their references are reported. Add one here. */
import type { ReferenceSource } from '../types';
import { activeRecord } from './activeRecord';
import { djangoModels } from './djangoModels';
import { drizzle } from './drizzle';
import { kysely } from './kysely';
import { lexedStrings } from './lexedStrings';
import { prisma } from './prisma';
import { sequelize } from './sequelize';
import { sqlalchemy } from './sqlalchemy';
import { sqlFiles } from './sqlFiles';
import { pythonStrings, rubyStrings } from './treeSitterStrings';
import { tsStrings } from './tsStrings';
import { typeorm } from './typeorm';

export const SOURCES: readonly ReferenceSource[] = [
  sqlFiles,
  tsStrings,
  pythonStrings,
  rubyStrings,
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
