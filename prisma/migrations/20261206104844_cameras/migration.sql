-- Cameras (apps/server/src/modules/cameras/): a video source, the fps it is analysed at, its watchlist
-- galleries (camera_galleries) and sighting retention; the state columns are written by the one process
-- running the camera readers.
-- CreateEnum
CREATE TYPE "CameraState" AS ENUM ('CONNECTING', 'LIVE', 'STALLED', 'FAILED', 'STOPPED');

-- CreateTable
CREATE TABLE "cameras" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source_url" TEXT NOT NULL,
    "fps" DOUBLE PRECISION NOT NULL DEFAULT 2,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "retention_days" INTEGER NOT NULL DEFAULT 30,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "state" "CameraState" NOT NULL DEFAULT 'CONNECTING',
    "state_reason" TEXT,
    "state_changed_at" TIMESTAMPTZ(3),
    "measured_fps" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "frames_decoded" INTEGER NOT NULL DEFAULT 0,
    "frames_dropped" INTEGER NOT NULL DEFAULT 0,
    "last_frame_at" TIMESTAMPTZ(3),

    CONSTRAINT "cameras_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "camera_galleries" (
    "camera_id" UUID NOT NULL,
    "gallery_id" UUID NOT NULL,

    CONSTRAINT "camera_galleries_pkey" PRIMARY KEY ("camera_id","gallery_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cameras_name_key" ON "cameras"("name");

-- CreateIndex
CREATE INDEX "camera_galleries_gallery_id_idx" ON "camera_galleries"("gallery_id");

-- AddForeignKey
ALTER TABLE "camera_galleries" ADD CONSTRAINT "camera_galleries_camera_id_fkey" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "camera_galleries" ADD CONSTRAINT "camera_galleries_gallery_id_fkey" FOREIGN KEY ("gallery_id") REFERENCES "galleries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

