export function toUserView(user) {
    return {
        id: user.id,
        email: user.email,
        role: user.role,
        disabled: user.disabled,
        createdAt: user.createdAt.toISOString(),
    };
}
//# sourceMappingURL=user-view.js.map