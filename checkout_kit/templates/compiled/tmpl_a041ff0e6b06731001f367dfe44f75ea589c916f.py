from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_membership.subject.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_kind = resolve('kind')
    l_0_email = resolve('email')
    l_0_plan = resolve('plan')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    if ((undefined(name='kind') if l_0_kind is missing else l_0_kind) == 'new'):
        pass
        yield 'New member: '
        yield str(((undefined(name='email') if l_0_email is missing else l_0_email) or 'a customer'))
        yield ' — '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield ', '
        yield str(t_1(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
    else:
        pass
        yield 'Membership ended: '
        yield str(((undefined(name='email') if l_0_email is missing else l_0_email) or 'a customer'))
        yield ' — '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))

blocks = {}
debug_info = '1=20'