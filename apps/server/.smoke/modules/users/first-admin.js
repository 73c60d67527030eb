export async function createFirstAdminFromSettings(users, settings, logger) {
    if (settings.email === undefined || settings.password === undefined)
        return;
    const outcome = await users.createFirstAdmin(settings.email, settings.password);
    if (outcome === 'created') {
        logger.info({ email: settings.email }, 'created the first admin from settings; unset FACELEDGER_ADMIN_PASSWORD now');
    }
    else {
        logger.info('users exist already, so FACELEDGER_ADMIN_EMAIL and FACELEDGER_ADMIN_PASSWORD were ignored');
    }
}
//# sourceMappingURL=first-admin.js.map