import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrdersCustomerIndex1733000000000 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX orders_customer_idx ON orders (customer_id)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX orders_customer_idx`);
    }
}
