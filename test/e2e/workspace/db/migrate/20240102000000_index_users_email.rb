# A plain index build blocks writes to users, inside Rails' transaction.
class IndexUsersEmail < ActiveRecord::Migration[7.1]
  def change
    add_index :users, :email
  end
end
