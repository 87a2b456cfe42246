import type { QueryRunner } from 'typeorm';
import { isMysqlFamily } from './data-source-options.js';

/** SQL of one migration for each supported database, as written by `npm run migration:generate`. */
export interface DialectSql {
  sqlite: string[];
  mysql: string[];
}

export async function runDialectSql(queryRunner: QueryRunner, sql: DialectSql): Promise<void> {
  const dialect = isMysqlFamily(queryRunner.connection.options) ? 'mysql' : 'sqlite';
  for (const statement of sql[dialect]) await queryRunner.query(statement);
}
