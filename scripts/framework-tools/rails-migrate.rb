# Runs every migration under ARGV[0] (a db/migrate folder) with ActiveRecord against DATABASE_URL,
# as `bin/rails db:migrate` does, so the server's statement log shows the SQL Rails sends.
require 'active_record'

ActiveRecord::Base.establish_connection(ENV.fetch('DATABASE_URL'))
ActiveRecord::Migration.verbose = false
ActiveRecord::MigrationContext.new(ARGV.fetch(0), ActiveRecord::SchemaMigration).migrate
