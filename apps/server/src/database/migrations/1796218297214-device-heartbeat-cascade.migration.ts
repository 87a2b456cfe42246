// Heartbeat rows go with their device; rows of devices already deleted are dropped first (the key would refuse them).
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runDialectSql } from '../dialect-migration.js';

export class CoreDeviceHeartbeatCascade1796218297214 implements MigrationInterface {
  name = 'CoreDeviceHeartbeatCascade1796218297214';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDialectSql(queryRunner, {
      sqlite: [
    'DELETE FROM "device_heartbeat" WHERE "deviceId" NOT IN (SELECT "id" FROM "device")',
    "DROP INDEX \"IDX_2d27400e192c730a61ccf9e8c1\"",
    "CREATE TABLE \"temporary_device_heartbeat\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"tenantId\" varchar(36) NOT NULL, \"createdAt\" datetime NOT NULL DEFAULT (datetime('now')), \"updatedAt\" datetime NOT NULL DEFAULT (datetime('now')), \"deviceId\" varchar(36) NOT NULL, \"lastSeenAt\" datetime NOT NULL, CONSTRAINT \"FK_e89cf3e006d6984a1f5d0be7fac\" FOREIGN KEY (\"deviceId\") REFERENCES \"device\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)",
    "INSERT INTO \"temporary_device_heartbeat\"(\"id\", \"tenantId\", \"createdAt\", \"updatedAt\", \"deviceId\", \"lastSeenAt\") SELECT \"id\", \"tenantId\", \"createdAt\", \"updatedAt\", \"deviceId\", \"lastSeenAt\" FROM \"device_heartbeat\"",
    "DROP TABLE \"device_heartbeat\"",
    "ALTER TABLE \"temporary_device_heartbeat\" RENAME TO \"device_heartbeat\"",
    "CREATE UNIQUE INDEX \"IDX_2d27400e192c730a61ccf9e8c1\" ON \"device_heartbeat\" (\"tenantId\", \"deviceId\") ",
      ],
      mysql: [
    'DELETE FROM `device_heartbeat` WHERE `deviceId` NOT IN (SELECT `id` FROM `device`)',
    "ALTER TABLE `device_heartbeat` ADD CONSTRAINT `FK_e89cf3e006d6984a1f5d0be7fac` FOREIGN KEY (`deviceId`) REFERENCES `device`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
      ],
    });
  }

  async down(): Promise<void> {
    throw new Error('CoreDeviceHeartbeatCascade1796218297214 cannot be reverted; restore a backup instead');
  }
}
