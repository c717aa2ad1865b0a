-- Accounts per owner, closed ones included.
SELECT owner, count(*) AS n
FROM accounts
GROUP BY owner
