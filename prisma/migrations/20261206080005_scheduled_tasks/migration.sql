-- One row per periodic background task of the server's scheduler: its lease (on the database clock),
-- when any process may run it next, and how its last run went.
-- CreateTable
CREATE TABLE "scheduled_tasks" (
    "name" TEXT NOT NULL,
    "locked_by" TEXT,
    "locked_until" TIMESTAMPTZ(3),
    "next_run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_started_at" TIMESTAMPTZ(3),
    "last_finished_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "scheduled_tasks_pkey" PRIMARY KEY ("name")
);
